"""PostgreSQL helpers shared by the services: pool factory and migration runner."""
