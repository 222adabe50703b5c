// ZFS: see DESIGN.md. Contents arrive with the issues that build it.
