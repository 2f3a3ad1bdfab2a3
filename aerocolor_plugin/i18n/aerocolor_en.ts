<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
  <context>
    <name>AeroColor</name>
    <message>
      <location filename="../bridge/environment.py" line="109" />
      <source>AEROCOLOR_PYTHON variable</source>
      <translation>AEROCOLOR_PYTHON variable</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="112" />
      <source>development checkout's .venv</source>
      <translation>development checkout's .venv</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="114" />
      <source>managed environment in the QGIS profile</source>
      <translation>managed environment in the QGIS profile</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="118" />
      <source>QGIS's own Python (it has torch)</source>
      <translation>QGIS's own Python (it has torch)</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="135" />
      <source>The backend interpreter {0} does not exist; choose another one in the AeroColor settings or click "Set up backend".</source>
      <translation>The backend interpreter {0} does not exist; choose another one in the AeroColor settings or click "Set up backend".</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="140" />
      <source>No Python with the AeroColor backend was found; click "Set up backend" or name an interpreter that has torch in the AeroColor settings.</source>
      <translation>No Python with the AeroColor backend was found; click "Set up backend" or name an interpreter that has torch in the AeroColor settings.</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="150" />
      <source>The plugin's bundled backend is missing; reinstall the AeroColor plugin.</source>
      <translation>The plugin's bundled backend is missing; reinstall the AeroColor plugin.</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="218" />
      <source>The backend interpreter did not run; choose another one or click "Set up backend".</source>
      <translation>The backend interpreter did not run; choose another one or click "Set up backend".</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="220" />
      <source>The backend interpreter has no PyTorch; click "Set up backend" to install it.</source>
      <translation>The backend interpreter has no PyTorch; click "Set up backend" to install it.</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="222" />
      <source>The backend interpreter cannot import the bundled backend; reinstall the plugin.</source>
      <translation>The backend interpreter cannot import the bundled backend; reinstall the plugin.</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="100" />
      <source>Cancelled; earlier results are kept.</source>
      <translation>Cancelled; earlier results are kept.</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="102" />
      <source>The backend refused the input; check the settings and the log.</source>
      <translation>The backend refused the input; check the settings and the log.</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="104" />
      <source>The backend could not write its files: the disk is full or the folder is not writable; free some space and run again.</source>
      <translation>The backend could not write its files: the disk is full or the folder is not writable; free some space and run again.</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="106" />
      <source>The backend failed with exit code {0}; see the log.</source>
      <translation>The backend failed with exit code {0}; see the log.</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="92" />
      <source> The log is in {0}.</source>
      <translation> The log is in {0}.</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="94" />
      <source>The backend stopped unexpectedly (it crashed or was killed); earlier results are kept.</source>
      <translation>The backend stopped unexpectedly (it crashed or was killed); earlier results are kept.</translation>
    </message>
    <message>
      <location filename="../bridge/job.py" line="145" />
      <source>The backend did not stop; terminating it.</source>
      <translation>The backend did not stop; terminating it.</translation>
    </message>
    <message>
      <location filename="../bridge/job.py" line="146" />
      <source>The backend did not terminate; killing it.</source>
      <translation>The backend did not terminate; killing it.</translation>
    </message>
    <message>
      <location filename="../bridge/job.py" line="58" />
      <source>Could not start the backend interpreter {0}; choose a Python with torch in the AeroColor settings.</source>
      <translation>Could not start the backend interpreter {0}; choose a Python with torch in the AeroColor settings.</translation>
    </message>
    <message>
      <location filename="../bridge/job.py" line="96" />
      <source>(not an event) {0}</source>
      <translation>(not an event) {0}</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="111" />
      <source>Could not start {0}.</source>
      <translation>Could not start {0}.</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="117" />
      <source>This step failed (exit code {0}); the log above says why.</source>
      <translation>This step failed (exit code {0}); the log above says why.</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="126" />
      <source>AeroColor backend</source>
      <translation>AeroColor backend</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="129" />
      <source>Python interpreter that runs the backend (it needs PyTorch):</source>
      <translation>Python interpreter that runs the backend (it needs PyTorch):</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="135" />
      <source>Detect</source>
      <translation>Detect</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="138" />
      <source>Check</source>
      <translation>Check</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="142" />
      <source>Not checked yet.</source>
      <translation>Not checked yet.</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="153" />
      <source>Set up backend</source>
      <translation>Set up backend</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="155" />
      <source>Copy diagnostics</source>
      <translation>Copy diagnostics</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="172" />
      <source>Found: {0} ({1}).</source>
      <translation>Found: {0} ({1}).</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="174" />
      <source>No interpreter with the backend was found; click "Set up backend".</source>
      <translation>No interpreter with the backend was found; click "Set up backend".</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="178" />
      <source>Checking…</source>
      <translation>Checking…</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="186" />
      <source>CUDA GPU</source>
      <translation>CUDA GPU</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="186" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="187" />
      <source>Ready: torch {0} on {1}, backend {2}.</source>
      <translation>Ready: torch {0} on {1}, backend {2}.</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="194" />
      <source>QGIS's own Python was not found; install Python 3 and name it here.</source>
      <translation>QGIS's own Python was not found; install Python 3 and name it here.</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="203" />
      <source>Setting up the backend in {0}; this downloads PyTorch once.</source>
      <translation>Setting up the backend in {0}; this downloads PyTorch once.</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="217" />
      <source>Setting up the backend failed; the log says why. Nothing else was changed.</source>
      <translation>Setting up the backend failed; the log says why. Nothing else was changed.</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="222" />
      <source>Diagnostics copied to the clipboard.</source>
      <translation>Diagnostics copied to the clipboard.</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="60" />
      <source>The backend interpreter {0} could not be started; choose another one or click "Set up backend".</source>
      <translation>The backend interpreter {0} could not be started; choose another one or click "Set up backend".</translation>
    </message>
    <message>
      <location filename="../capture/aoi.py" line="43" />
      <source>the drawn rectangle</source>
      <translation>the drawn rectangle</translation>
    </message>
    <message>
      <location filename="../capture/aoi.py" line="43" />
      <source>the visible map</source>
      <translation>the visible map</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="100" />
      <source>The grid CRS {0} is not known; choose a CRS such as EPSG:32651.</source>
      <translation>The grid CRS {0} is not known; choose a CRS such as EPSG:32651.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="129" />
      <source>The area of interest cannot be projected to {0}; choose an area inside the grid's CRS.</source>
      <translation>The area of interest cannot be projected to {0}; choose an area inside the grid's CRS.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="136" />
      <source>The area of interest does not overlap {0}; draw it where the layer has imagery.</source>
      <translation>The area of interest does not overlap {0}; draw it where the layer has imagery.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="139" />
      <source>zoom {0}</source>
      <translation>zoom {0}</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="139" />
      <source>{0} units/px</source>
      <translation>{0} units/px</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="140" />
      <source>{0} over this area makes about {1} tiles (the limit is {2}); choose a lower zoom, a coarser resolution or a smaller area.</source>
      <translation>{0} over this area makes about {1} tiles (the limit is {2}); choose a lower zoom, a coarser resolution or a smaller area.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="153" />
      <source>{0} is grey; choose a colour layer as the source and this one as the historical layer.</source>
      <translation>{0} is grey; choose a colour layer as the source and this one as the historical layer.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="184" />
      <source>{0} returned none of the first {1} tiles it was asked for; check the connection and the layer's URL (tiles already on disk were kept).</source>
      <translation>{0} returned none of the first {1} tiles it was asked for; check the connection and the layer's URL (tiles already on disk were kept).</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="197" />
      <source>Choose the historical layer, or set its use to none.</source>
      <translation>Choose the historical layer, or set its use to none.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="222" />
      <source>Capture cancelled with {0} tiles on disk; run it again with the same settings to resume.</source>
      <translation>Capture cancelled with {0} tiles on disk; run it again with the same settings to resume.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="273" />
      <source>No tile fell into {0} although its share is {1}: the area holds only {2} tiles in blocks of {3} x {3}; choose a smaller block or a larger area.</source>
      <translation>No tile fell into {0} although its share is {1}: the area holds only {2} tiles in blocks of {3} x {3}; choose a smaller block or a larger area.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="298" />
      <source>{0} tiles were skipped for nodata: {1} to {2} of their pixels had no data, more than the {3} a tile may have; raise the largest nodata share to keep tiles like these, or turn off the layer's nodata value in its properties if those pixels are real.</source>
      <translation>{0} tiles were skipped for nodata: {1} to {2} of their pixels had no data, more than the {3} a tile may have; raise the largest nodata share to keep tiles like these, or turn off the layer's nodata value in its properties if those pixels are real.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="331" />
      <source>No usable tiles were captured (blank {0}, nodata {1}, missing {2}); check the layer over the area of interest.</source>
      <translation>No usable tiles were captured (blank {0}, nodata {1}, missing {2}); check the layer over the area of interest.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="57" />
      <source>Choose zoom levels or a ground resolution (m/px) for the tile grid.</source>
      <translation>Choose zoom levels or a ground resolution (m/px) for the tile grid.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="59" />
      <source>The ground resolution must be above 0 m/px.</source>
      <translation>The ground resolution must be above 0 m/px.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="67" />
      <source>Historical tiles as the grey (A) set need the unpaired layout; choose 'unpaired' or use the historical layer for test tiles.</source>
      <translation>Historical tiles as the grey (A) set need the unpaired layout; choose 'unpaired' or use the historical layer for test tiles.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="70" />
      <source>The largest nodata share of a tile must be at least 0 and below 100 %.</source>
      <translation>The largest nodata share of a tile must be at least 0 and below 100 %.</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="72" />
      <source>The validation and test shares must leave some tiles for training.</source>
      <translation>The validation and test shares must leave some tiles for training.</translation>
    </message>
    <message>
      <location filename="../capture/render.py" line="227" />
      <source>{0} could not be read at {1}; check the file.</source>
      <translation>{0} could not be read at {1}; check the file.</translation>
    </message>
    <message>
      <location filename="../capture/render.py" line="59" />
      <source>Choose a raster layer to capture.</source>
      <translation>Choose a raster layer to capture.</translation>
    </message>
    <message>
      <location filename="../capture/render.py" line="61" />
      <source>The layer {0} failed to load; check its source or connection.</source>
      <translation>The layer {0} failed to load; check its source or connection.</translation>
    </message>
    <message>
      <location filename="../capture/render.py" line="78" />
      <source>The layer {0} failed to load ({1}); check its source or connection.</source>
      <translation>The layer {0} failed to load ({1}); check its source or connection.</translation>
    </message>
    <message>
      <location filename="../capture/task.py" line="51" />
      <source>{0} tiles in {1} (train {2}, val {3}, test {4}; {5} skipped).</source>
      <translation>{0} tiles in {1} (train {2}, val {3}, test {4}; {5} skipped).</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="52" />
      <source>Choose a folder for the training set.</source>
      <translation>Choose a folder for the training set.</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="54" />
      <source>{0} is a file; choose a folder for the training set.</source>
      <translation>{0} is a file; choose a folder for the training set.</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="61" />
      <source>{0} already holds another dataset or other files; choose an empty or new folder (nothing was overwritten).</source>
      <translation>{0} already holds another dataset or other files; choose an empty or new folder (nothing was overwritten).</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="66" />
      <source>the layers or the area of interest</source>
      <translation>the layers or the area of interest</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="67" />
      <source>{0} holds a capture made with other settings ({1}); use the same settings to resume it or choose a new folder (nothing was overwritten).</source>
      <translation>{0} holds a capture made with other settings ({1}); use the same settings to resume it or choose a new folder (nothing was overwritten).</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="84" />
      <source>The training-set folder {0} disappeared during the capture (deleted, moved or its drive unmounted); nothing more was written there; run the capture again to start it afresh.</source>
      <translation>The training-set folder {0} disappeared during the capture (deleted, moved or its drive unmounted); nothing more was written there; run the capture again to start it afresh.</translation>
    </message>
    <message>
      <location filename="../choices.py" line="19" />
      <source>auto</source>
      <translation>auto</translation>
    </message>
    <message>
      <location filename="../choices.py" line="23" />
      <source>the model's (resample)</source>
      <translation>the model's (resample)</translation>
    </message>
    <message>
      <location filename="../choices.py" line="23" />
      <source>the input's own</source>
      <translation>the input's own</translation>
    </message>
    <message>
      <location filename="../choices.py" line="27" />
      <source>L*a*b* (keeps the photo's detail)</source>
      <translation>L*a*b* (keeps the photo's detail)</translation>
    </message>
    <message>
      <location filename="../choices.py" line="27" />
      <source>RGB</source>
      <translation>RGB</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="105" />
      <source>Historical grey layer</source>
      <translation>Historical grey layer</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="107" />
      <source>not used</source>
      <translation>not used</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="107" />
      <source>grey (A) set of the unpaired layout</source>
      <translation>grey (A) set of the unpaired layout</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="108" />
      <source>test tiles (historical/)</source>
      <translation>test tiles (historical/)</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="110" />
      <source>What the historical grey layer's tiles are for: not used; the grey (A) set of an unpaired training set (CycleGAN, CUT learn from real old photos); or test tiles in historical/ to look at and score, never trained on.</source>
      <translation>What the historical grey layer's tiles are for: not used; the grey (A) set of an unpaired training set (CycleGAN, CUT learn from real old photos); or test tiles in historical/ to look at and score, never trained on.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="113" />
      <source>Use it as</source>
      <translation>Use it as</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="125" />
      <source>Tiles per side of a split block: neighbouring tiles go to the same split (train, val or test) in blocks of this many, so val and test never touch ground the model trained on.</source>
      <translation>Tiles per side of a split block: neighbouring tiles go to the same split (train, val or test) in blocks of this many, so val and test never touch ground the model trained on.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="128" />
      <source>val</source>
      <translation>val</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="128" />
      <source>test</source>
      <translation>test</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="128" />
      <source>block</source>
      <translation>block</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="131" />
      <source>Splits</source>
      <translation>Splits</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="137" />
      <source>A tile with a larger share of nodata pixels (where the layer has no data, or every band holds its nodata value) is skipped and counted.</source>
      <translation>A tile with a larger share of nodata pixels (where the layer has no data, or every band holds its nodata value) is skipped and counted.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="139" />
      <source>Largest nodata share</source>
      <translation>Largest nodata share</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="142" />
      <source>Training set folder</source>
      <translation>Training set folder</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="146" />
      <source>Estimate</source>
      <translation>Estimate</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="148" />
      <source>Capture tiles</source>
      <translation>Capture tiles</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="159" />
      <source>Choose a colour layer, an area of interest and a folder.</source>
      <translation>Choose a colour layer, an area of interest and a folder.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="206" />
      <source>Drag a rectangle on the map.</source>
      <translation>Drag a rectangle on the map.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="215" />
      <source>map units</source>
      <translation>map units</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="216" />
      <source>{0:.0f} × {1:.0f} {2} ({3})</source>
      <translation>{0:.0f} × {1:.0f} {2} ({3})</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="217" />
      <source>no CRS</source>
      <translation>no CRS</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="240" />
      <source>Draw a rectangle on the map first.</source>
      <translation>Draw a rectangle on the map first.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="244" />
      <source>Choose a polygon layer for the area of interest.</source>
      <translation>Choose a polygon layer for the area of interest.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="247" />
      <source>There is no map canvas; draw a rectangle or choose polygons.</source>
      <translation>There is no map canvas; draw a rectangle or choose polygons.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="265" />
      <source>Give one or more zoom levels, such as 15,16.</source>
      <translation>Give one or more zoom levels, such as 15,16.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="295" />
      <source>at most </source>
      <translation>at most </translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="296" />
      <source>{0}{1:,} tiles of {2} px over {3}.</source>
      <translation>{0}{1:,} tiles of {2} px over {3}.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="31" />
      <source>AeroColor: Capture</source>
      <translation>AeroColor: Capture</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="315" />
      <source>This capture makes about {0:,} tiles into {1}; it may take long and fetch much from the layer's server. Capture them?</source>
      <translation>This capture makes about {0:,} tiles into {1}; it may take long and fetch much from the layer's server. Capture them?</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="317" />
      <source>Not started ({0:,} tiles); choose a smaller area or a lower zoom.</source>
      <translation>Not started ({0:,} tiles); choose a smaller area or a lower zoom.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="327" />
      <source>Capturing about {0:,} tiles…</source>
      <translation>Capturing about {0:,} tiles…</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="335" />
      <source>Cancelling…</source>
      <translation>Cancelling…</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="341" />
      <source>{0} of {1} tiles: {2} written, {3} already on disk, {4} skipped.</source>
      <translation>{0} of {1} tiles: {2} written, {3} already on disk, {4} skipped.</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="47" />
      <source>Colour layer</source>
      <translation>Colour layer</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="50" />
      <source>Canvas extent</source>
      <translation>Canvas extent</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="51" />
      <source>Rectangle drawn on the map</source>
      <translation>Rectangle drawn on the map</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="52" />
      <source>Polygons of a layer</source>
      <translation>Polygons of a layer</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="53" />
      <source>Area of interest</source>
      <translation>Area of interest</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="55" />
      <source>Draw rectangle</source>
      <translation>Draw rectangle</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="58" />
      <source>none drawn</source>
      <translation>none drawn</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="64" />
      <source>Polygon layer</source>
      <translation>Polygon layer</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="65" />
      <source>Selected features only</source>
      <translation>Selected features only</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="69" />
      <source>Web-mercator zoom levels (XYZ)</source>
      <translation>Web-mercator zoom levels (XYZ)</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="70" />
      <source>Ground resolution in a CRS</source>
      <translation>Ground resolution in a CRS</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="71" />
      <source>Tile grid</source>
      <translation>Tile grid</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="73" />
      <source>Zoom levels, e.g. 15,16 or 15-17 (the study used 15-16)</source>
      <translation>Zoom levels, e.g. 15,16 or 15-17 (the study used 15-16)</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="74" />
      <source>Zoom levels</source>
      <translation>Zoom levels</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="79" />
      <source>Ground resolution (units/px)</source>
      <translation>Ground resolution (units/px)</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="82" />
      <source>the layer's CRS</source>
      <translation>the layer's CRS</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="84" />
      <source>Grid CRS</source>
      <translation>Grid CRS</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="89" />
      <source>Tile size (px)</source>
      <translation>Tile size (px)</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="93" />
      <source>Format</source>
      <translation>Format</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="95" />
      <source>aligned A|B (pix2pix, BicycleGAN)</source>
      <translation>aligned A|B (pix2pix, BicycleGAN)</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="95" />
      <source>A/ + B/ pairs</source>
      <translation>A/ + B/ pairs</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="96" />
      <source>trainA/trainB (CycleGAN, CUT)</source>
      <translation>trainA/trainB (CycleGAN, CUT)</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="99" />
      <source>Layout</source>
      <translation>Layout</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="104" />
      <source>Batch</source>
      <translation>Batch</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="107" />
      <source>Device</source>
      <translation>Device</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="110" />
      <source>Ground resolution</source>
      <translation>Ground resolution</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="111" />
      <source>Write a Cloud Optimized GeoTIFF</source>
      <translation>Write a Cloud Optimized GeoTIFF</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="113" />
      <source>Group with a modern layer for comparison</source>
      <translation>Group with a modern layer for comparison</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="120" />
      <source>Modern layer</source>
      <translation>Modern layer</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="136" />
      <source>Choose a grey layer and a model.</source>
      <translation>Choose a grey layer and a model.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="154" />
      <source>Colouring (models with a latent code)</source>
      <translation>Colouring (models with a latent code)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="160" />
      <source>Latent code</source>
      <translation>Latent code</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="163" />
      <source>Several colourings, one GeoTIFF each (name_1.tif, name_2.tif, …)</source>
      <translation>Several colourings, one GeoTIFF each (name_1.tif, name_2.tif, …)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="164" />
      <source>Colourings</source>
      <translation>Colourings</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="167" />
      <source>The same seed gives the same colourings again</source>
      <translation>The same seed gives the same colourings again</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="168" />
      <source>Seed</source>
      <translation>Seed</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="171" />
      <source>Images (*.tif *.tiff *.png *.jpg *.jpeg)</source>
      <translation>Images (*.tif *.tiff *.png *.jpg *.jpeg)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="172" />
      <source>A colour image (e.g. a modern photo of a similar place): the model's encoder reads its colouring and every tile uses it</source>
      <translation>A colour image (e.g. a modern photo of a similar place): the model's encoder reads its colouring and every tile uses it</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="174" />
      <source>Colour image</source>
      <translation>Colour image</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="201" />
      <source>Ready to colorize {0} with {1}.</source>
      <translation>Ready to colorize {0} with {1}.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="231" />
      <source>Colorize layers</source>
      <translation>Colorize layers</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="240" />
      <source>{0} (colour)</source>
      <translation>{0} (colour)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="270" />
      <source>Choose a model</source>
      <translation>Choose a model</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="270" />
      <source>AeroColor models (*.pt)</source>
      <translation>AeroColor models (*.pt)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="293" />
      <source>Several colourings are made for one layer at a time; untick Several grey layers or choose one colouring.</source>
      <translation>Several colourings are made for one layer at a time; untick Several grey layers or choose one colouring.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="299" />
      <source>Add a grey raster layer to the project and choose it.</source>
      <translation>Add a grey raster layer to the project and choose it.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="302" />
      <source>{0} is not a raster file on disk; save it as a GeoTIFF first.</source>
      <translation>{0} is not a raster file on disk; save it as a GeoTIFF first.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="306" />
      <source>Choose where to save the colour GeoTIFF.</source>
      <translation>Choose where to save the colour GeoTIFF.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="310" />
      <source>The output would overwrite the input; choose another file name.</source>
      <translation>The output would overwrite the input; choose another file name.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="312" />
      <source>The output folder does not exist; choose an existing folder.</source>
      <translation>The output folder does not exist; choose an existing folder.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="318" />
      <source>Choose a model file (.pt) from a training run.</source>
      <translation>Choose a model file (.pt) from a training run.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="353" />
      <source>Starting the backend…</source>
      <translation>Starting the backend…</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="373" />
      <source>Colorizing: {0} %. {1}</source>
      <translation>Colorizing: {0} %. {1}</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="384" />
      <source>{0} of {1} layers: {2}</source>
      <translation>{0} of {1} layers: {2}</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="409" />
      <source>Done: {0} of {1} layers in {2}.</source>
      <translation>Done: {0} of {1} layers in {2}.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="412" />
      <source>Not colorized: {0}: {1}</source>
      <translation>Not colorized: {0}: {1}</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="43" />
      <source>AeroColor: Colorize</source>
      <translation>AeroColor: Colorize</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="435" />
      <source>The backend finished but wrote no raster; see the log.</source>
      <translation>The backend finished but wrote no raster; see the log.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="441" />
      <source>{0} (colorized)</source>
      <translation>{0} (colorized)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="443" />
      <source>{0} – comparison</source>
      <translation>{0} – comparison</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="449" />
      <source>{0} (colouring {1})</source>
      <translation>{0} (colouring {1})</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="458" />
      <source>{0} and {1} more</source>
      <translation>{0} and {1} more</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="460" />
      <source>Done: {0}. The source layer was removed meanwhile, so the result is at the top of the layer tree.</source>
      <translation>Done: {0}. The source layer was removed meanwhile, so the result is at the top of the layer tree.</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="463" />
      <source>Done: {0}</source>
      <translation>Done: {0}</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="65" />
      <source>Grey layer</source>
      <translation>Grey layer</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="73" />
      <source>A model from a recent run, or any checkpoint file (.pt)</source>
      <translation>A model from a recent run, or any checkpoint file (.pt)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="78" />
      <source>Model</source>
      <translation>Model</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="85" />
      <source>GeoTIFF (*.tif *.tiff)</source>
      <translation>GeoTIFF (*.tif *.tiff)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="86" />
      <source>Output GeoTIFF</source>
      <translation>Output GeoTIFF</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="93" />
      <source>model's</source>
      <translation>model's</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="94" />
      <source>Tile (px)</source>
      <translation>Tile (px)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="99" />
      <source>Overlap (px)</source>
      <translation>Overlap (px)</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="23" />
      <source>Several grey layers, into one folder</source>
      <translation>Several grey layers, into one folder</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="34" />
      <source>Grey layers</source>
      <translation>Grey layers</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="37" />
      <source>Output folder</source>
      <translation>Output folder</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="69" />
      <source>Tick the grey layers to colorize.</source>
      <translation>Tick the grey layers to colorize.</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="78" />
      <source>Choose an existing folder for the colour GeoTIFFs.</source>
      <translation>Choose an existing folder for the colour GeoTIFFs.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="104" />
      <source>Generator filters (ngf)</source>
      <translation>Generator filters (ngf)</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="106" />
      <source>Discriminator filters (ndf)</source>
      <translation>Discriminator filters (ndf)</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="108" />
      <source>family default</source>
      <translation>family default</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="111" />
      <source>GAN loss</source>
      <translation>GAN loss</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="113" />
      <source>Learning rate G</source>
      <translation>Learning rate G</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="115" />
      <source>Learning rate D</source>
      <translation>Learning rate D</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="119" />
      <source>Start</source>
      <translation>Start</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="121" />
      <source>Stop</source>
      <translation>Stop</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="123" />
      <source>Resume</source>
      <translation>Resume</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="125" />
      <source>Open run folder</source>
      <translation>Open run folder</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="127" />
      <source>Show run</source>
      <translation>Show run</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="128" />
      <source>Show the progress of the run in the run folder (after a restart)</source>
      <translation>Show the progress of the run in the run folder (after a restart)</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="141" />
      <source>Idle.</source>
      <translation>Idle.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="175" />
      <source>Fine-tune a trained model on your dataset (it keeps its family, colour mode and network), or train a new model from nothing</source>
      <translation>Fine-tune a trained model on your dataset (it keeps its family, colour mode and network), or train a new model from nothing</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="227" />
      <source>Not an AeroColor model.</source>
      <translation>Not an AeroColor model.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="264" />
      <source>{0} is a {1} model in {2}, so Start from is now nothing: a new {3} model in {4}.</source>
      <translation>{0} is a {1} model in {2}, so Start from is now nothing: a new {3} model in {4}.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="274" />
      <source>Last run: {0}. Show run follows it; Resume continues it.</source>
      <translation>Last run: {0}. Show run follows it; Resume continues it.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="298" />
      <source>Choose a run folder; checkpoints, samples and logs go there.</source>
      <translation>Choose a run folder; checkpoints, samples and logs go there.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="303" />
      <source>Choose the dataset folder (make one with the Capture dock or 'aerocolor dataset').</source>
      <translation>Choose the dataset folder (make one with the Capture dock or 'aerocolor dataset').</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="356" />
      <source>Stopping after the current step; the run is saved for resuming…</source>
      <translation>Stopping after the current step; the run is saved for resuming…</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="363" />
      <source>The run folder has no events.jsonl; choose the folder of a run.</source>
      <translation>The run folder has no events.jsonl; choose the folder of a run.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="377" />
      <source>This run is not running: it stopped before finishing (QGIS was closed or the backend was stopped). Press Resume to continue from its last checkpoint.</source>
      <translation>This run is not running: it stopped before finishing (QGIS was closed or the backend was stopped). Press Resume to continue from its last checkpoint.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="424" />
      <source>The run folder does not exist yet.</source>
      <translation>The run folder does not exist yet.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="435" />
      <source>Training on {0} (torch {1}).</source>
      <translation>Training on {0} (torch {1}).</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="440" />
      <source>Epoch {0} of {1}, step {2} of {3}. {4}</source>
      <translation>Epoch {0} of {1}, step {2} of {3}. {4}</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="452" />
      <source>Checkpoints are saved to {0} (after every epoch, and on Stop).</source>
      <translation>Checkpoints are saved to {0} (after every epoch, and on Stop).</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="463" />
      <source>Training finished; the model is {0}.</source>
      <translation>Training finished; the model is {0}.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="474" />
      <source>Stopped at epoch {0}, step {1}; the run is saved. Press Resume to continue from there.</source>
      <translation>Stopped at epoch {0}, step {1}; the run is saved. Press Resume to continue from there.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="476" />
      <source>Stopped; the run is saved. Press Resume to continue from there.</source>
      <translation>Stopped; the run is saved. Press Resume to continue from there.</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="54" />
      <source>AeroColor: Train</source>
      <translation>AeroColor: Train</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="73" />
      <source>Dataset folder</source>
      <translation>Dataset folder</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="76" />
      <source>Run folder</source>
      <translation>Run folder</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="77" />
      <source>Start from</source>
      <translation>Start from</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="84" />
      <source>Model family</source>
      <translation>Model family</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="87" />
      <source>Colour mode</source>
      <translation>Colour mode</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="89" />
      <source>Epochs at full rate</source>
      <translation>Epochs at full rate</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="91" />
      <source>Epochs of decay</source>
      <translation>Epochs of decay</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="93" />
      <source>Batch size</source>
      <translation>Batch size</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="99" />
      <source>Network and optimiser</source>
      <translation>Network and optimiser</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="151" />
      <source>Losses appear here while training.</source>
      <translation>Losses appear here while training.</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="165" />
      <source>log</source>
      <translation>log</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="25" />
      <source>{0} h {1:02d} min left</source>
      <translation>{0} h {1:02d} min left</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="27" />
      <source>{0} min {1:02d} s left</source>
      <translation>{0} min {1:02d} s left</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="28" />
      <source>{0} s left</source>
      <translation>{0} s left</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="81" />
      <source>Set up backend…</source>
      <translation>Set up backend…</translation>
    </message>
    <message>
      <location filename="../i18n_util.py" line="21" />
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="../i18n_util.py" line="22" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../i18n_util.py" line="23" />
      <source>Close</source>
      <translation>Close</translation>
    </message>
    <message>
      <location filename="../layers.py" line="61" />
      <source>The result {0} could not be opened as a raster.</source>
      <translation>The result {0} could not be opened as a raster.</translation>
    </message>
    <message>
      <location filename="../model_card.py" line="76" />
      <source>random, from a seed</source>
      <translation>random, from a seed</translation>
    </message>
    <message>
      <location filename="../model_card.py" line="76" />
      <source>the model's average (z = 0)</source>
      <translation>the model's average (z = 0)</translation>
    </message>
    <message>
      <location filename="../model_card.py" line="76" />
      <source>like a colour image</source>
      <translation>like a colour image</translation>
    </message>
    <message>
      <location filename="../model_card.py" line="89" />
      <source>Choose the colour image whose colouring the model should follow.</source>
      <translation>Choose the colour image whose colouring the model should follow.</translation>
    </message>
    <message>
      <location filename="../mosaic.py" line="26" />
      <source>AeroColor: building mosaic {0}</source>
      <translation>AeroColor: building mosaic {0}</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="21" />
      <source>AeroColor: export mosaic</source>
      <translation>AeroColor: export mosaic</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="23" />
      <source>Rasters to join (later ones win where they overlap); AeroColor's colorized rasters are ticked:</source>
      <translation>Rasters to join (later ones win where they overlap); AeroColor's colorized rasters are ticked:</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="38" />
      <source>GeoTIFF (*.tif);;Virtual raster (*.vrt)</source>
      <translation>GeoTIFF (*.tif);;Virtual raster (*.vrt)</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="39" />
      <source>Mosaic file (.tif or .vrt):</source>
      <translation>Mosaic file (.tif or .vrt):</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="57" />
      <source>Tick at least one raster.</source>
      <translation>Tick at least one raster.</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="60" />
      <source>Choose where to save the mosaic.</source>
      <translation>Choose where to save the mosaic.</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="71" />
      <source>AeroColor</source>
      <translation>AeroColor</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="160" />
      <source>Select the layer to swipe in the Layers panel.</source>
      <translation>Select the layer to swipe in the Layers panel.</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="20" />
      <source>&amp;AeroColor</source>
      <translation>&amp;AeroColor</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="71" />
      <source>Capture training tiles</source>
      <translation>Capture training tiles</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="72" />
      <source>Train model</source>
      <translation>Train model</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="73" />
      <source>Colorize layer</source>
      <translation>Colorize layer</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="75" />
      <source>Compare (swipe)</source>
      <translation>Compare (swipe)</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="78" />
      <source>Export mosaic…</source>
      <translation>Export mosaic…</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="79" />
      <source>Backend settings…</source>
      <translation>Backend settings…</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="84" />
      <source>Vertical line</source>
      <translation>Vertical line</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="84" />
      <source>Horizontal line</source>
      <translation>Horizontal line</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="17" />
      <source>done</source>
      <translation>done</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="17" />
      <source>skipped</source>
      <translation>skipped</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="17" />
      <source>failed</source>
      <translation>failed</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="22" />
      <source>already done with this model</source>
      <translation>already done with this model</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="29" />
      <source>Model (.pt or .onnx; empty: the bundled default model)</source>
      <translation>Model (.pt or .onnx; empty: the bundled default model)</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="30" />
      <source>AeroColor models (*.pt *.onnx)</source>
      <translation>AeroColor models (*.pt *.onnx)</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="64" />
      <source>{0}/{1} {2}: {3}</source>
      <translation>{0}/{1} {2}: {3}</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="71" />
      <source>Writing the Cloud Optimized GeoTIFF…</source>
      <translation>Writing the Cloud Optimized GeoTIFF…</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="73" />
      <source>Backend {0} on {1} (torch {2}).</source>
      <translation>Backend {0} on {1} (torch {2}).</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="78" />
      <source>Epoch {0}: {1}</source>
      <translation>Epoch {0}: {1}</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="82" />
      <source>Checkpoint saved: {0}</source>
      <translation>Checkpoint saved: {0}</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="91" />
      <source>Could not start the backend interpreter ({0}); choose a Python with torch in the AeroColor settings.</source>
      <translation>Could not start the backend interpreter ({0}); choose a Python with torch in the AeroColor settings.</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="100" />
      <source>Tiles captured</source>
      <translation>Tiles captured</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="101" />
      <source>Manifest</source>
      <translation>Manifest</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="131" />
      <source>Capturing {0} over {1} into {2}.</source>
      <translation>Capturing {0} over {1} into {2}.</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="143" />
      <source>{0} tiles written ({1} resumed); skipped: blank {2}, nodata {3}, missing {4}.</source>
      <translation>{0} tiles written ({1} resumed); skipped: blank {2}, nodata {3}, missing {4}.</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="156" />
      <source>the polygons</source>
      <translation>the polygons</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="160" />
      <source>extent</source>
      <translation>extent</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="161" />
      <source>Give the area of interest: an extent or a polygon layer.</source>
      <translation>Give the area of interest: an extent or a polygon layer.</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="55" />
      <source>Captures tiles of a colour layer (WMTS, XYZ, WMS or a raster file) over an area of interest on a web-mercator zoom grid or a ground-resolution grid, and writes a training set that 'Train model' reads: grey and colour tiles in the chosen layout, split into train, val and test by spatial blocks, with a manifest of bounds, CRS, m/px, source and attribution. Blank, nodata and missing tiles are skipped and counted; running again with the same settings resumes.</source>
      <translation>Captures tiles of a colour layer (WMTS, XYZ, WMS or a raster file) over an area of interest on a web-mercator zoom grid or a ground-resolution grid, and writes a training set that 'Train model' reads: grey and colour tiles in the chosen layout, split into train, val and test by spatial blocks, with a manifest of bounds, CRS, m/px, source and attribution. Blank, nodata and missing tiles are skipped and counted; running again with the same settings resumes.</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="64" />
      <source>Area of interest (extent)</source>
      <translation>Area of interest (extent)</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="66" />
      <source>Area of interest (polygons; used instead of the extent)</source>
      <translation>Area of interest (polygons; used instead of the extent)</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="71" />
      <source>Zoom levels (e.g. 15,16)</source>
      <translation>Zoom levels (e.g. 15,16)</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="72" />
      <source>Ground resolution (CRS units per px)</source>
      <translation>Ground resolution (CRS units per px)</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="74" />
      <source>Grid CRS (empty: the layer's)</source>
      <translation>Grid CRS (empty: the layer's)</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="77" />
      <source>Tile format</source>
      <translation>Tile format</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="81" />
      <source>trainA/trainB unpaired (CycleGAN, CUT)</source>
      <translation>trainA/trainB unpaired (CycleGAN, CUT)</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="84" />
      <source>Use of the historical layer</source>
      <translation>Use of the historical layer</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="85" />
      <source>none</source>
      <translation>none</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="85" />
      <source>grey (A) set of an unpaired layout</source>
      <translation>grey (A) set of an unpaired layout</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="86" />
      <source>Validation share</source>
      <translation>Validation share</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="88" />
      <source>Test share</source>
      <translation>Test share</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="90" />
      <source>Tiles per side of a split block</source>
      <translation>Tiles per side of a split block</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="92" />
      <source>Split seed</source>
      <translation>Split seed</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="95" />
      <source>Largest share of nodata pixels in a tile (%)</source>
      <translation>Largest share of nodata pixels in a tile (%)</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="97" />
      <source>Refuse captures of more tiles than</source>
      <translation>Refuse captures of more tiles than</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="25" />
      <source>Colorize raster</source>
      <translation>Colorize raster</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="28" />
      <source>Colorizes a grey (historical) raster with a trained AeroColor model and writes a georeferenced colour GeoTIFF on the input's grid.</source>
      <translation>Colorizes a grey (historical) raster with a trained AeroColor model and writes a georeferenced colour GeoTIFF on the input's grid.</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="34" />
      <source>Grey raster</source>
      <translation>Grey raster</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="37" />
      <source>Tile in px (0: the model's)</source>
      <translation>Tile in px (0: the model's)</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="39" />
      <source>Overlap in px (-1: automatic)</source>
      <translation>Overlap in px (-1: automatic)</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="41" />
      <source>Batch size (0: automatic)</source>
      <translation>Batch size (0: automatic)</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="46" />
      <source>Latent code (models that have one)</source>
      <translation>Latent code (models that have one)</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="48" />
      <source>Seed of the random latent code</source>
      <translation>Seed of the random latent code</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="50" />
      <source>Colour image whose colouring to follow</source>
      <translation>Colour image whose colouring to follow</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="57" />
      <source>Colour raster</source>
      <translation>Colour raster</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="62" />
      <source>The input raster could not be opened.</source>
      <translation>The input raster could not be opened.</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="69" />
      <source>Choose a model: this copy of AeroColor has no bundled default model.</source>
      <translation>Choose a model: this copy of AeroColor has no bundled default model.</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="71" />
      <source>No model given: using the bundled default model {0}.</source>
      <translation>No model given: using the bundled default model {0}.</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="74" />
      <source>The output must be a GeoTIFF (.tif).</source>
      <translation>The output must be a GeoTIFF (.tif).</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="26" />
      <source>Colorize rasters</source>
      <translation>Colorize rasters</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="29" />
      <source>Colorizes many grey rasters with one model in one backend process, into one folder. A ledger there records what was done with which model: run it again after a crash or a cancel and the finished rasters are skipped. A raster that cannot be colorized is reported and the others go on.</source>
      <translation>Colorizes many grey rasters with one model in one backend process, into one folder. A ledger there records what was done with which model: run it again after a crash or a cancel and the finished rasters are skipped. A raster that cannot be colorized is reported and the others go on.</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="35" />
      <source>Grey rasters</source>
      <translation>Grey rasters</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="40" />
      <source>Output names ({stem}: the input's name)</source>
      <translation>Output names ({stem}: the input's name)</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="43" />
      <source>Replace outputs not made by this model (otherwise they are kept)</source>
      <translation>Replace outputs not made by this model (otherwise they are kept)</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="45" />
      <source>Colour rasters</source>
      <translation>Colour rasters</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="56" />
      <source>Choose the grey rasters to colorize.</source>
      <translation>Choose the grey rasters to colorize.</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="19" />
      <source>Export model as ONNX</source>
      <translation>Export model as ONNX</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="22" />
      <source>Writes a model's generator as an ONNX file (its card inside), which Colorize runs through onnxruntime. The export holds no encoder, so a BicycleGAN model's colouring cannot follow a colour image; it runs at the model's own tile size, in 32-bit floats.</source>
      <translation>Writes a model's generator as an ONNX file (its card inside), which Colorize runs through onnxruntime. The export holds no encoder, so a BicycleGAN model's colouring cannot follow a colour image; it runs at the model's own tile size, in 32-bit floats.</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="27" />
      <source>Model (.pt; empty: the bundled default model)</source>
      <translation>Model (.pt; empty: the bundled default model)</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="29" />
      <source>ONNX model</source>
      <translation>ONNX model</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="29" />
      <source>ONNX models (*.onnx)</source>
      <translation>ONNX models (*.onnx)</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="20" />
      <source>Build mosaic</source>
      <translation>Build mosaic</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="23" />
      <source>Joins colorized rasters of one coordinate system into one GeoTIFF (tiled, compressed, with overviews) or a VRT. Later inputs win where they overlap.</source>
      <translation>Joins colorized rasters of one coordinate system into one GeoTIFF (tiled, compressed, with overviews) or a VRT. Later inputs win where they overlap.</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="27" />
      <source>Rasters</source>
      <translation>Rasters</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="29" />
      <source>Mosaic</source>
      <translation>Mosaic</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="36" />
      <source>{0} is not a raster file on disk; save it first.</source>
      <translation>{0} is not a raster file on disk; save it first.</translation>
    </message>
    <message>
      <location filename="../processing/provider.py" line="24" />
      <source>AeroColor: colorize historical aerial photographs</source>
      <translation>AeroColor: colorize historical aerial photographs</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="30" />
      <source>Trains a GAN colorizer on a dataset folder (from the Capture dock or 'aerocolor dataset'). The run folder keeps checkpoints, samples and logs; a stopped run can be resumed.</source>
      <translation>Trains a GAN colorizer on a dataset folder (from the Capture dock or 'aerocolor dataset'). The run folder keeps checkpoints, samples and logs; a stopped run can be resumed.</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="32" />
      <source>Start from: the bundled default model or a model file is fine-tuned on the dataset and keeps its family, colour mode and network, so the model family and colour mode must be its own and the generator and discriminator filters are not used; the tile must be a multiple of the model's. Nothing: a new model with the options given.</source>
      <translation>Start from: the bundled default model or a model file is fine-tuned on the dataset and keeps its family, colour mode and network, so the model family and colour mode must be its own and the generator and discriminator filters are not used; the tile must be a multiple of the model's. Nothing: a new model with the options given.</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="47" />
      <source>Model file to start from (.pt; used unless Start from is nothing)</source>
      <translation>Model file to start from (.pt; used unless Start from is nothing)</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="58" />
      <source>Steps per epoch (0: the whole dataset)</source>
      <translation>Steps per epoch (0: the whole dataset)</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="68" />
      <source>Resume the run in the run folder</source>
      <translation>Resume the run in the run folder</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="70" />
      <source>Model checkpoint</source>
      <translation>Model checkpoint</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="92" />
      <source>Fine-tuning {0} ({1}).</source>
      <translation>Fine-tuning {0} ({1}).</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="23" />
      <source>the bundled default model</source>
      <translation>the bundled default model</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="23" />
      <source>a model file (.pt)</source>
      <translation>a model file (.pt)</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="23" />
      <source>nothing: a new model</source>
      <translation>nothing: a new model</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="34" />
      <source>This copy of AeroColor has no bundled default model; start from a model file or from nothing.</source>
      <translation>This copy of AeroColor has no bundled default model; start from a model file or from nothing.</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="39" />
      <source>Choose the model file (.pt) to start from, or start from nothing.</source>
      <translation>Choose the model file (.pt) to start from, or start from nothing.</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="41" />
      <source>{0} is not an AeroColor model; choose a checkpoint (.pt) from a training run.</source>
      <translation>{0} is not an AeroColor model; choose a checkpoint (.pt) from a training run.</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="47" />
      <source>The default model</source>
      <translation>The default model</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="82" />
      <source>{0} is a {1} model in {2}; fine-tuning keeps both: choose them, or start from nothing to train a new {3} model in {4}.</source>
      <translation>{0} is a {1} model in {2}; fine-tuning keeps both: choose them, or start from nothing to train a new {3} model in {4}.</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="88" />
      <source>{0} works on tiles that are a multiple of {1} px; choose a tile of {2} px, for example.</source>
      <translation>{0} works on tiles that are a multiple of {1} px; choose a tile of {2} px, for example.</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="11" />
      <source>{input} has 2 bands: band 1 is colorized and band 2 is its alpha (transparency) mask.</source>
      <translation>{input} has 2 bands: band 1 is colorized and band 2 is its alpha (transparency) mask.</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="12" />
      <source>{input} has 2 bands and band 2 is not an alpha band: band 1 is colorized and band 2 is left out; to colorize band 2, extract it first (gdal_translate -b 2).</source>
      <translation>{input} has 2 bands and band 2 is not an alpha band: band 1 is colorized and band 2 is left out; to colorize band 2, extract it first (gdal_translate -b 2).</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="14" />
      <source>{input} has colour bands; they are turned grey (BT.601 luma) before colorizing.</source>
      <translation>{input} has colour bands; they are turned grey (BT.601 luma) before colorizing.</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="15" />
      <source>{input} holds {dtype} values; they are stretched from {low} to {high} (the {stretch} percentiles).</source>
      <translation>{input} holds {dtype} values; they are stretched from {low} to {high} (the {stretch} percentiles).</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="17" />
      <source>{input} has a pixel grid but no coordinate reference system (CRS); the output has the same grid and no CRS either, so it will not line up with other layers until one is assigned (gdal_edit -a_srs EPSG:..., or the layer's properties in QGIS).</source>
      <translation>{input} has a pixel grid but no coordinate reference system (CRS); the output has the same grid and no CRS either, so it will not line up with other layers until one is assigned (gdal_edit -a_srs EPSG:..., or the layer's properties in QGIS).</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="20" />
      <source>{input} declares the nodata value {nodata}, which its {dtype} pixels cannot hold; it is ignored and every pixel is colorized (set a value in range, e.g. gdal_edit -a_nodata 0, if some pixels are missing).</source>
      <translation>{input} declares the nodata value {nodata}, which its {dtype} pixels cannot hold; it is ignored and every pixel is colorized (set a value in range, e.g. gdal_edit -a_nodata 0, if some pixels are missing).</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="23" />
      <source>{input} has no georeferencing; the output has the same pixel grid and none either.</source>
      <translation>{input} has no georeferencing; the output has the same pixel grid and none either.</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="24" />
      <source>{input} has no georeferencing; the output has the same pixel grid and none either (its ground control points are copied).</source>
      <translation>{input} has no georeferencing; the output has the same pixel grid and none either (its ground control points are copied).</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="26" />
      <source>The input has {input_m} m/px and the model was trained at {model_m}: matching it would enlarge the input {factor} times, {work} times the work ({megapixels} megapixels through the model). It is enlarged {cap} times instead; --max-upsample {flag} (or Ground resolution: the model's) goes all the way, --gsd native not at all.</source>
      <translation>The input has {input_m} m/px and the model was trained at {model_m}: matching it would enlarge the input {factor} times, {work} times the work ({megapixels} megapixels through the model). It is enlarged {cap} times instead; --max-upsample {flag} (or Ground resolution: the model's) goes all the way, --gsd native not at all.</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="30" />
      <source>The input has {input_m} m/px and the model was trained at {model_m}; the model sees the input resampled by {factor} and the colour comes back at the input's resolution.</source>
      <translation>The input has {input_m} m/px and the model was trained at {model_m}; the model sees the input resampled by {factor} and the colour comes back at the input's resolution.</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="32" />
      <source>The input has {input_m} m/px and the model was trained at {model_m}; the model sees the input resampled by {factor} ({work} times the work: {megapixels} megapixels through the model) and the colour comes back at the input's resolution.</source>
      <translation>The input has {input_m} m/px and the model was trained at {model_m}; the model sees the input resampled by {factor} ({work} times the work: {megapixels} megapixels through the model) and the colour comes back at the input's resolution.</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="35" />
      <source>Tone match: the model sees the photo's greys (median {photo}) mapped to its training greys (median {trained}); the output keeps the photo's own tones.</source>
      <translation>Tone match: the model sees the photo's greys (median {photo}) mapped to its training greys (median {trained}); the output keeps the photo's own tones.</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="37" />
      <source>Every pixel of {input} is nodata or masked, so {output} is fully transparent; check the raster's nodata value (gdalinfo; in QGIS the layer's Transparency properties).</source>
      <translation>Every pixel of {input} is nodata or masked, so {output} is fully transparent; check the raster's nodata value (gdalinfo; in QGIS the layer's Transparency properties).</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="39" />
      <source>Checked that the {count} images of {data} decode ({seconds} s).</source>
      <translation>Checked that the {count} images of {data} decode ({seconds} s).</translation>
    </message>
  </context>
</TS>
