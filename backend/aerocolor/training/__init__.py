"""Training: the trainer, the distributed world, fine-tuning lineage, calibration and the plots."""
