"""The "AeroColor" Processing provider: the same work as the docks, for the toolbox, modeler and qgis_process."""
