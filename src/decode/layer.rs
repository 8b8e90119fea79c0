//! One protocol of a frame's protocol path, and where tshark names it: in
//! `frame.protocols` (the list of dissectors the frame went through), in
//! the protocol hierarchy (`-z io,phs`, the protocols at the top of the
//! details tree), or both. They differ: `ethertype` is a dissector with no
//! tree item, `tcp.segments` a tree item of no dissector, and the HTTP
//! dissector that hands a WebSocket frame on adds no item of its own.

/// Where a [`Layer`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// In `frame.protocols` and in the hierarchy.
    Both,
    /// In `frame.protocols` only.
    Protocols,
    /// In the hierarchy only.
    Hierarchy,
}

/// One protocol of a frame's path, by tshark's filter name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layer {
    pub name: &'static str,
    pub seen: Seen,
}

impl Layer {
    /// A protocol shown in both lists.
    pub const fn both(name: &'static str) -> Layer {
        Layer {
            name,
            seen: Seen::Both,
        }
    }

    /// A dissector without a tree item of its own (`ethertype`).
    pub const fn protocols(name: &'static str) -> Layer {
        Layer {
            name,
            seen: Seen::Protocols,
        }
    }

    /// A tree item that is no dissector (`tcp.segments`), or a further
    /// message of a dissector already listed for this frame.
    pub const fn hierarchy(name: &'static str) -> Layer {
        Layer {
            name,
            seen: Seen::Hierarchy,
        }
    }

    /// Whether `frame.protocols` lists it.
    pub fn in_protocols(&self) -> bool {
        self.seen != Seen::Hierarchy
    }

    /// Whether the protocol hierarchy counts it.
    pub fn in_hierarchy(&self) -> bool {
        self.seen != Seen::Protocols
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_shows_where_it_should() {
        assert!(Layer::both("tcp").in_protocols() && Layer::both("tcp").in_hierarchy());
        assert!(!Layer::protocols("ethertype").in_hierarchy());
        assert!(!Layer::hierarchy("tcp.segments").in_protocols());
    }
}
