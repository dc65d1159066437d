/** Cost accounting: tokens and dollars per tenant and backend, and the savings of routing. */
package io.renqueue.usage;
