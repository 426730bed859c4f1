package io.granary.appliance.admin;

/**
 * Who made an admin API call: a user name from the Unix socket's peer credentials (or
 * {@code "token"} over TLS), and whether it may make the daemon, which runs as root, open files
 * on the appliance by name. Only root and the daemon's own user may: anyone else (the admin
 * group, a remote token holder) could otherwise read or overwrite any file through it.
 */
public record Caller(String name, boolean mayNameFiles) {}
