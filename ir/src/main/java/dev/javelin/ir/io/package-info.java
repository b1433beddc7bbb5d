/** Small file helpers shared by everything that writes results: atomic replacement. */
package dev.javelin.ir.io;
