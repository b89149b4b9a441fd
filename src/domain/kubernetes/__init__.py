"""What Juju asks Kubernetes for: the pod spec and the resources beside it (Secrets, RBAC, pod settings)."""
