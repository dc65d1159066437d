/**
 * Dispatch tokens: one JMS message per queued task on the prioritized queue, sent inside the
 * transaction that made the task dispatchable.
 */
package io.renqueue.dispatch;
