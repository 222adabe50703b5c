/// Where diobench keeps state that must outlive a crash of the process but not a reboot.
public enum RunDirectories {
    /// The undo journal of loop devices, ZFS properties and scratch pools a run changed (`diobench cleanup`
    /// reads it). /run is a tmpfs, emptied at boot, when none of those changes survives anyway.
    public static let journal = "/run/diobench"
}
