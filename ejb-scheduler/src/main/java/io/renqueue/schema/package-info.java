/** The database schema, brought up to date at start-up from versioned SQL scripts. */
package io.renqueue.schema;
