/**
 * JMH benchmarks of every hot piece, and the ng-driven load generator.
 */
package io.rtprelay.bench;
