"""Processing: Train model (a dataset folder in, a checkpoint out)."""
from __future__ import annotations

import os

from qgis.core import (QgsProcessingException, QgsProcessingOutputFile, QgsProcessingParameterBoolean,
                       QgsProcessingParameterDefinition,
                       QgsProcessingParameterEnum, QgsProcessingParameterFile,
                       QgsProcessingParameterFolderDestination, QgsProcessingParameterNumber)

from ..choices import COLOR_MODES, DEVICES, FAMILIES, GAN_MODES, color_mode_labels, device_labels
from ..i18n_util import tr
from ..model_card import read_card, summary
from ..jobs import TrainJob
from ..start_from import START_CHOICES, model_path, start_labels, train_model_args
from .base import AeroColorAlgorithm



class TrainAlgorithm(AeroColorAlgorithm):
    ICON = "train.svg"

    def name(self) -> str:
        return "train"

    def displayName(self) -> str:
        return tr("Train model")

    def shortHelpString(self) -> str:
        return tr("Trains a GAN colorizer on a dataset folder (from the Capture dock or 'aerocolor dataset'). "
                  "The run folder keeps checkpoints, samples and logs; a stopped run can be resumed.") + "\n\n" + \
            tr("Start from: the bundled default model or a model file is fine-tuned on the dataset and keeps "
               "its family, colour mode and network, so the model family and colour mode must be its own and "
               "the generator and discriminator filters are not used; the tile must be a multiple of the "
               "model's. Nothing: a new model with the options given.")

    def _int(self, name, label, default, lo, hi, advanced=False):
        p = QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Type.Integer, default, False, lo, hi)
        if advanced:
            p.setFlags(p.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(p)

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile("DATA", tr("Dataset folder"),
                                                     QgsProcessingParameterFile.Behavior.Folder))
        self.addParameter(QgsProcessingParameterEnum("START_FROM", tr("Start from"), start_labels(), defaultValue=0))
        self.addParameter(QgsProcessingParameterFile("FROM_MODEL", tr("Model file to start from (.pt; used "
                                                                      "unless Start from is nothing)"),
                                                     extension="pt", optional=True))
        self.addParameter(QgsProcessingParameterEnum("FAMILY", tr("Model family"), list(FAMILIES), defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum("COLOR_MODE", tr("Colour mode"), color_mode_labels(), defaultValue=0))
        self._int("EPOCHS", tr("Epochs at full rate"), 100, 1, 10000)
        self._int("DECAY_EPOCHS", tr("Epochs of decay"), 100, 0, 10000)
        self._int("BATCH", tr("Batch size"), 1, 1, 512)
        self._int("TILE", tr("Tile size (px)"), 256, 32, 2048)
        self._int("NGF", tr("Generator filters (ngf)"), 64, 4, 512, advanced=True)
        self._int("NDF", tr("Discriminator filters (ndf)"), 64, 4, 512, advanced=True)
        self._int("STEPS_PER_EPOCH", tr("Steps per epoch (0: the whole dataset)"), 0, 0, 1000000, advanced=True)
        gan = QgsProcessingParameterEnum("GAN_MODE", tr("GAN loss"), [tr("family default")] + list(GAN_MODES),
                                         defaultValue=0)
        gan.setFlags(gan.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(gan)
        for name, label in (("LR_G", tr("Learning rate G")), ("LR_D", tr("Learning rate D"))):
            p = QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Type.Double, 2e-4, False, 1e-7, 1.0)
            p.setFlags(p.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(p)
        self.addParameter(QgsProcessingParameterEnum("DEVICE", tr("Device"), device_labels(), defaultValue=0))
        self.addParameter(QgsProcessingParameterBoolean("RESUME", tr("Resume the run in the run folder"), False))
        self.addParameter(QgsProcessingParameterFolderDestination("RUN", tr("Run folder")))
        self.addOutput(QgsProcessingOutputFile("CHECKPOINT", tr("Model checkpoint")))

    def processAlgorithm(self, parameters, context, feedback):
        run = self.parameterAsString(parameters, "RUN", context)
        device = DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)]
        if self.parameterAsBool(parameters, "RESUME", context):
            args = TrainJob(run, device, resume=True).args()
        else:
            start = START_CHOICES[self.parameterAsEnum(parameters, "START_FROM", context)]
            base = self.parameterAsFile(parameters, "FROM_MODEL", context)
            if base and start == "default":  # a file given is the model meant, Start from left as it was
                start = "file"
            try:
                model = train_model_args(start, base, FAMILIES[self.parameterAsEnum(parameters, "FAMILY", context)],
                                         COLOR_MODES[self.parameterAsEnum(parameters, "COLOR_MODE", context)],
                                         self.parameterAsInt(parameters, "TILE", context),
                                         {"ngf": self.parameterAsInt(parameters, "NGF", context),
                                          "ndf": self.parameterAsInt(parameters, "NDF", context)})
            except ValueError as exc:
                raise QgsProcessingException(str(exc)) from None
            if start != "nothing" and feedback is not None:
                path = model_path(start, base)
                feedback.pushInfo(tr("Fine-tuning {0} ({1}).").format(path, summary(read_card(path))))
            args = TrainJob(run, device, data=self.parameterAsFile(parameters, "DATA", context), model=model,
                            epochs=self.parameterAsInt(parameters, "EPOCHS", context),
                            decay_epochs=self.parameterAsInt(parameters, "DECAY_EPOCHS", context),
                            batch=self.parameterAsInt(parameters, "BATCH", context),
                            steps_per_epoch=self.parameterAsInt(parameters, "STEPS_PER_EPOCH", context),
                            lr_g=self.parameterAsDouble(parameters, "LR_G", context),
                            lr_d=self.parameterAsDouble(parameters, "LR_D", context),
                            gan_mode=(("",) + tuple(GAN_MODES))[self.parameterAsEnum(parameters, "GAN_MODE", context)]
                            ).args()
        outcome = self.run_backend(args, feedback)
        outputs = (outcome.result or {}).get("outputs") or {}
        ckpt = outputs.get("checkpoint") or os.path.join(run, "checkpoints", "latest.pt")
        return {"CHECKPOINT": ckpt, "RUN": run}
