//! The legacy encodings themselves, named as users know them from their font menus.

/// A legacy Vietnamese encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// TCVN 5712:1993 VN3 (".VnTime" fonts, ABC keyboard table): one byte per letter.
    Tcvn3,
    /// VNI-Windows ("VNI-Times" fonts): a base letter followed by a mark byte.
    Vni,
}

impl Encoding {
    /// Human name of the encoding, as users know it from their font menus.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Tcvn3 => "TCVN3 (.VnTime)",
            Encoding::Vni => "VNI",
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
