package io.granary.appliance.torture;

/** Whether an admin operation took effect: answered yes, answered no, or cut off by the kill. */
enum Fate {
  NO,
  UNKNOWN,
  YES
}
