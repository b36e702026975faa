/**
 * Configuration in rtpengine's own form: its INI config file ({@code [rtpengine]} section) and its command-line
 * options, with its key names and defaults, so an operator's rtpengine.conf works for the keys that exist here.
 */
package io.rtprelay.control.config;
