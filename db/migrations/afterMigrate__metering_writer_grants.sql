-- Runs after every migration (a Flyway callback): the metering agents write samples as a
-- role in the group berth_metering_writer, which may only add sample rows. The group is
-- made by whoever runs the database (dev/lib/postgres.sh does; see deploy/README.md):
-- the backend's role cannot create roles. Granted here, on every start, so that a group
-- created after the schema still gets its rights.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'berth_metering_writer') THEN
        GRANT INSERT ON pod_usage_sample, object_usage_sample, edge_usage_sample TO berth_metering_writer;
    END IF;
END
$$;
