/**
 * The launcher that starts and stops the real components on loopback for the local run, the
 * integration tests and the benchmark.
 */
package io.renqueue.stack;
