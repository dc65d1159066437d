/**
 * The worker side: a slot takes a dispatch token, claims its task, runs it and stores the outcome
 * under the claim's fence.
 */
package io.renqueue.execution;
