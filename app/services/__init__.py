"""Qt-free services: pipeline, policy, secret store, audit log, SIEM, watcher."""
