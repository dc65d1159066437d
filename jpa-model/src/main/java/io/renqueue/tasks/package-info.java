/**
 * Tasks: the entity, its lifecycle graph, the stored result and the public JSON shape. Plain Java
 * plus JPA mapping; no container types.
 */
package io.renqueue.tasks;
