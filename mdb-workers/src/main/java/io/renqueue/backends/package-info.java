/**
 * OpenAI-compatible backends: configuration, the HTTP client, failure classification and the
 * fault-tolerance chain (retry, timeout, circuit breaker, fallback).
 */
package io.renqueue.backends;
