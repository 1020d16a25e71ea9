"""Quotes, orders and what they drive: the billing plan and forecast, deliveries, listing and showing."""
