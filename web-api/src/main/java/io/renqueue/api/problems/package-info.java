/**
 * RFC 9457 problem documents: every error the HTTP API answers with, and the mappers that produce
 * them.
 */
package io.renqueue.api.problems;
