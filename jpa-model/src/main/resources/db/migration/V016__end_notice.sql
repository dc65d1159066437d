-- A task a synchronous caller waits for (POST /v1/chat/completions without streaming,
-- /v1/embeddings): the key under which the worker announces on the renqueue.stream topic that an
-- attempt ended, so the caller's server reads the outcome at once instead of polling for it.
ALTER TABLE task ADD COLUMN end_notice_key text;
