"""Publishing built sites: one small publisher per target scheme behind one interface
(`base.Publisher`), made by `targets.Publishers` from the target's URL, driven by
`run.deploy`."""
