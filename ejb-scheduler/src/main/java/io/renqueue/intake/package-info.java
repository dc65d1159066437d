/**
 * JMS intake: submissions from producers outside Liberty, and the dead-letter path for those that
 * cannot become tasks.
 */
package io.renqueue.intake;
