"""Reports: the shift summary (X/Z), the owner's period report, its summed cells, export."""
