"""What Prometheus reads: prometheus.yml, web-config.yml, its flags, and what each version accepts."""
