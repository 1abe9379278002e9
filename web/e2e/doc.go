// Package e2e holds the web app's browser tests: they start the whole
// platform on a free port with embedded stores and a small demo data set,
// drive Debian's headless Chromium through the journeys that exist, save a
// screenshot of every failure (and, with JINHUI_SCREENSHOTS=1, of every
// page) under artifacts/screenshots, and hold the phone
// pages to their weight and slow-3G load-time bar. Without Chromium the
// tests skip with a message saying how to install it.
package e2e
