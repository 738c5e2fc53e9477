/**
 * File handling shared by every module: {@link dev.sublayer.io.AtomicFiles}, the one way Sublayer replaces
 * a file so that readers never see a part of it.
 */
package dev.sublayer.io;
