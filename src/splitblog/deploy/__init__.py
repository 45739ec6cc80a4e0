"""Publishing built sites: one small publisher per target scheme behind one interface
(`base.Publisher`), chosen by `targets.publisher_for`, driven by `run.deploy`."""
