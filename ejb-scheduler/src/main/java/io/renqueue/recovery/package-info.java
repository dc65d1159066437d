/**
 * The periodic sweep that keeps every accepted task moving: requeues tasks whose worker vanished,
 * fails those out of attempts, re-sends lost tokens.
 */
package io.renqueue.recovery;
