/** Application metrics for /metrics: task counters per server, queue depth for the cluster. */
package io.renqueue.observability;
