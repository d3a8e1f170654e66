/**
 * The built-in demonstrations: quickstart, transfer, Atlas demo. Depends on train, atlas and below.
 */
package dev.t5j.demo;
