"""Selling screens: the counter sale, payments, returns and the cash drawer."""
