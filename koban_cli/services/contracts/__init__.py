"""Subscription contracts: managing them, billing due periods (cron), listing and showing."""
