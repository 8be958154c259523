-- The dashboard's overview (GET /api/v1/overview): runs counted per day by when they were
-- queued, and the newest failures without reading every finished run.
CREATE INDEX runs_by_queued_at ON runs (queued_at);
CREATE INDEX runs_by_status ON runs (status, id);
