"""The windows people see: findings, override reason, settings, policy status, recent, about."""
