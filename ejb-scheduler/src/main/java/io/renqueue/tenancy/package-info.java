/** Tenants: registration on first use and fair-share weights from configuration. */
package io.renqueue.tenancy;
