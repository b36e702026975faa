/**
 * What the tests drive and compare against: an ng client, the real rtpengine daemon, free loopback ports.
 */
package io.rtprelay.control.testkit;
