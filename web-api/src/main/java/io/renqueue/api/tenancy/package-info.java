/** Which tenant a REST call acts for. */
package io.renqueue.api.tenancy;
