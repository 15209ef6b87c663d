-- Placeholder so that this branch's 0004 builds: version 3 belongs to the throttling work.
-- Drop this file when that branch's 0003 is merged.
SELECT 1;
