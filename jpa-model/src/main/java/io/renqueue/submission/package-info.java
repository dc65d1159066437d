/**
 * Turning a submitted JSON document (REST body or JMS text) into a validated {@link
 * io.renqueue.submission.Submission}, or a list of what is wrong with it.
 */
package io.renqueue.submission;
