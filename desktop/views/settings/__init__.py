"""Settings screens: shop profile, staff, this station, backups, about."""
