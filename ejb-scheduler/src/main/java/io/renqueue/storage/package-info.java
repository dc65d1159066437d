/**
 * Plain JDBC on the direct (never enlisted) pool, for the per-task path: one local transaction per
 * step, prepared statements, and the messages a step owes the broker handed to the outbox relay
 * after its commit. No persistence context, no JTA, no interceptor between a step and its SQL.
 */
package io.renqueue.storage;
