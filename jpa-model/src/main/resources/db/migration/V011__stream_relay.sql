-- A task whose answer is relayed to a waiting streaming client as it is generated: the key the
-- client's server listens for on the renqueue.stream topic.
ALTER TABLE task ADD COLUMN relay_key varchar(64);
-- How a relayed answer was put together when a backend broke off mid-stream.
ALTER TABLE task ADD COLUMN continuation text;
