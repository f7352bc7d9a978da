"""policykg package."""
