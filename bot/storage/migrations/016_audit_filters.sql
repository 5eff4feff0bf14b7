-- The admins' audit page filters by staff member, action and registration number, newest
-- first: each of these walks an index in id order instead of the whole log.
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_target ON audit_log (target);
