-- docker-compose's PostgreSQL: one database per service (identity is made by POSTGRES_DB).
CREATE DATABASE accounts;
CREATE DATABASE billing;
CREATE DATABASE monitoring;
CREATE DATABASE notifications;
CREATE DATABASE audit;
