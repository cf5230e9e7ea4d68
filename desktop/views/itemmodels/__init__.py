"""Item models over service pages: lazy, keyset-paged, checked by qtmodeltester."""
