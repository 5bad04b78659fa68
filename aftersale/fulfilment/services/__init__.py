"""Every write of fulfilment, one module per area (returns, refunds, exchanges, repairs,
compensation, work orders, ledger)."""
