"""Upload to the gu1 batch-import API, poll the job, fetch its failures and reconcile them."""
