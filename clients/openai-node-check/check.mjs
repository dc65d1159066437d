// Runs the official openai npm package against Ren-Queue's OpenAI-compatible API:
//   node check.mjs [base URL, default http://127.0.0.1:9080/v1] [model, default sim-small]
// Exits non-zero, naming the step, when anything does not behave as the SDK expects.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const baseURL = process.argv[2] ?? 'http://127.0.0.1:9080/v1';
const model = process.argv[3] ?? 'sim-small';
const client = new OpenAI({ baseURL, apiKey: 'not-needed', maxRetries: 0 });

async function step(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`FAIL ${name}: ${e?.stack ?? e}`);
    process.exitCode = 1;
  }
}

const prompt = `npm check ${Date.now()}`;

await step('chat completion (sync)', async () => {
  const c = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: 16,
  });
  assert.equal(c.object, 'chat.completion');
  assert.ok(c.choices[0].message.content.length > 0, 'an answer');
  assert.ok(c.usage.total_tokens > 0, 'usage');
});

await step('chat completion (stream)', async () => {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: 16,
    stream: true,
  });
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  assert.ok(chunks >= 2, 'several chunks');
  assert.ok(text.length > 0, 'streamed text');
});

await step('embeddings (the SDK asks for base64)', async () => {
  const e = await client.embeddings.create({ model, input: ['hello', 'world'] });
  assert.equal(e.data.length, 2);
  assert.ok(e.data[0].embedding.length > 0, 'a vector');
  assert.ok(e.data[0].embedding.every(Number.isFinite), 'numbers');
});

await step('models', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.ok(ids.includes(model), `${model} listed in ${ids}`);
});

await step('errors are OpenAI errors', async () => {
  await assert.rejects(
    client.chat.completions.create({ model, messages: [], max_tokens: 1 }),
    (e) => e instanceof OpenAI.BadRequestError,
  );
});
